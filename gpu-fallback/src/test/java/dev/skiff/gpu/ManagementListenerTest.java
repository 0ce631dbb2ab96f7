package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/**
 * The management routes answer on their own listener, bound to loopback, and nowhere else: what
 * reaches the serving port (the load balancer, anything in the VPC) cannot load, unload or move
 * an alias.
 */
class ManagementListenerTest {
    @TempDir
    static java.nio.file.Path repository;

    static TestServer pool;

    @BeforeAll
    static void start() throws Exception {
        Repositories.model(repository, "fraud", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        pool = TestServer.start(repository);
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
    }

    @Test
    void theServingPortHasNoManagementRoutes() {
        for (String path : new String[] {
            "/v2/repository/index", "/v2/repository/models/fraud/versions/1/unload", "/v2/repository/models/fraud/load"
        }) {
            TestServer.Reply reply = pool.post(path, null);
            assertEquals(404, reply.status(), path + ": " + reply.text());
            assertTrue(reply.json().path("error").isTextual(), reply::text); // the protocol's body
        }
        TestServer.Reply alias =
                pool.send("PUT", "/v2/repository/models/fraud/aliases/live", "{\"version\":\"1\"}".getBytes());
        assertEquals(404, alias.status(), alias::text);
        assertEquals(200, pool.get("/v2/models/fraud/ready").status(), "the model itself still serves");
    }

    @Test
    void theManagementListenerAnswersFromLoopback() {
        TestServer.Reply index = pool.manage("POST", "/v2/repository/index", null);
        assertEquals(200, index.status(), index::text);
        assertEquals("fraud", index.json().get(0).path("name").asText(), index::text);
        assertEquals(
                200,
                pool.manage("GET", "/v2/repository/models/fraud/aliases", null).status());
    }

    @Test
    void theManagementListenerServesNothingElse() {
        TestServer.Reply infer = pool.manage("POST", "/v2/models/fraud/infer", "{}");
        assertEquals(404, infer.status(), infer::text);
        assertTrue(infer.json().path("error").asText().contains("management listener"), infer::text);
    }

    @Test
    void theManagementListenerIsNotReachableOnTheMachinesOtherAddresses() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        int port = pool.server.managementPort();
        assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), port), 2_000);
            }
        });
        try (Socket socket = new Socket()) { // the serving port is bound to loopback here too; this proves the probe
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        }
    }

    @Test
    void managementOffStartsNoListener() throws Exception {
        try (TestServer off = TestServer.start(repository, "--management", "off")) {
            assertEquals(-1, off.server.managementPort());
            assertEquals(404, off.post("/v2/repository/index", null).status());
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address) return Optional.of(address);
            }
        }
        return Optional.empty();
    }
}
