package dev.skiff.gpu;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;

/**
 * Copies the server's own log lines, encoded as logback.xml encodes them for stdout, into a
 * buffer while a test server runs. Every server in the JVM logs through the same loggers, so a
 * buffer gets the lines of any server running meanwhile. Where SLF4J is bound to another backend
 * (a module with slf4j-simple on its class path too), nothing is copied.
 */
final class ServerLogCapture extends AppenderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> encoder;
    private final ByteArrayOutputStream into;

    private ServerLogCapture(Encoder<ILoggingEvent> encoder, ByteArrayOutputStream into) {
        this.encoder = encoder;
        this.into = into;
    }

    /** @return the capture to {@link #close()}, or null where logback is not SLF4J's backend */
    static ServerLogCapture into(ByteArrayOutputStream buffer) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return null;
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("STDOUT") instanceof OutputStreamAppender<ILoggingEvent> stdout)) {
            throw new IllegalStateException("logback.xml has no STDOUT appender to copy the encoding of");
        }
        ServerLogCapture capture = new ServerLogCapture(stdout.getEncoder(), buffer);
        capture.setContext(context);
        capture.setName("test-capture-" + System.identityHashCode(capture));
        capture.start();
        root.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        into.writeBytes(encoder.encode(event)); // one write a line: ByteArrayOutputStream writes are atomic
    }

    void close() {
        ((LoggerContext) getContext()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
