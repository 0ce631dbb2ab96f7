package dev.skiff.runtime.testing.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ProtocolVectorSource} selects as its attributes say, from Skiff's set or another. */
class ProtocolVectorSourceTest {
    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = Target.GPU_POOL, tags = "infer", excludeTags = "text")
    void runsOncePerSelectedVector(ProtocolVector vector) {
        assertTrue(vector.servedBy(Target.GPU_POOL) && vector.tagged("infer") && !vector.tagged("text"), vector.name());
        SEEN.add(vector.name());
    }

    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(resource = "custom-vectors.json", tags = "mine")
    void readsAnotherSetBesideTheTest(ProtocolVector vector) {
        assertEquals("my model infers", vector.name());
        assertTrue(vector.body().contains("\"name\": \"x\""), vector.body());
    }

    @Test
    void selectsAsTheAnnotationSays() throws Exception {
        assertEquals(
                List.of(
                        "infer",
                        "infer a version",
                        "infer through the live alias",
                        "infer behind a stage",
                        "infer, TF-Serving form",
                        "infer, one output asked for"),
                names(annotation("runsOncePerSelectedVector")));
        assertEquals(List.of("my model infers"), names(annotation("readsAnotherSetBesideTheTest")));
    }

    @Test
    void aMissingResourceIsNamed() throws Exception {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ProtocolVectorsProvider.select(annotation("missingResource"), ProtocolVectorSourceTest.class));
        assertTrue(e.getMessage().contains("resource = \"nowhere.json\"): no such resource"), e.getMessage());
    }

    @ProtocolVectorSource(resource = "nowhere.json")
    void missingResource() {}

    private static List<String> names(ProtocolVectorSource source) {
        return ProtocolVectorsProvider.select(source, ProtocolVectorSourceTest.class).stream()
                .map(ProtocolVector::name)
                .toList();
    }

    private static ProtocolVectorSource annotation(String method) throws NoSuchMethodException {
        Method found = null;
        for (Method m : ProtocolVectorSourceTest.class.getDeclaredMethods()) {
            if (m.getName().equals(method)) found = m;
        }
        if (found == null) throw new NoSuchMethodException(method);
        return found.getAnnotation(ProtocolVectorSource.class);
    }
}
