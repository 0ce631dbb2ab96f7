package dev.skiff.emulator.template;

/** A template the emulator cannot run; the message names the resource and property at fault. */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }
}
