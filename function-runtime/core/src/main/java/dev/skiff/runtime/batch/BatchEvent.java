package dev.skiff.runtime.batch;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.skiff.runtime.protocol.Json;
import dev.skiff.runtime.protocol.ProtocolException;

import java.io.IOException;

/**
 * A Step Functions Distributed Map child's event, as ItemBatcher makes it:
 * {@code {"Items": [{...}, ...], "BatchInput": {"model_name": "fraud", "model_version": "live"}}}.
 * CSV items hold strings, JSONL items the values as written. The Lambda function reads it from its
 * event, the GPU pool from the body of {@code POST /v2/models/{m}/batch}.
 *
 * @param model   BatchInput's model_name, or null for the function's only model
 * @param version BatchInput's model_version (a number or alias), or null for the default
 */
public record BatchEvent(BatchItems items, String model, String version) {
    public static final String ITEMS = "Items";
    public static final String BATCH_INPUT = "BatchInput";

    public static BatchEvent decode(byte[] event) {
        BatchEvent csv = CsvItemsReader.read(event); // the common event, read without a token per value
        return csv != null ? csv : parse(event);
    }

    /** Any batch, by Jackson's tokens. */
    static BatchEvent parse(byte[] event) {
        BatchItems items = null;
        String model = null, version = null;
        try (JsonParser p = Json.FACTORY.createParser(event)) {
            if (p.nextToken() != JsonToken.START_OBJECT) { // the pool's route takes any body
                throw ProtocolException.badRequest(
                        "a batch must be a JSON object {\"Items\": [...], \"BatchInput\": {...}}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals(ITEMS)) {
                    if (value != JsonToken.START_ARRAY)
                        throw ProtocolException.badRequest("\"Items\" must be an array");
                    items = items(p);
                } else if (field.equals(BATCH_INPUT) && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        switch (name) {
                            case "model_name" -> model = p.getValueAsString();
                            case "model_version" -> version = p.getValueAsString();
                            default -> p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (StreamConstraintsException e) {
            throw ProtocolException.tooLarge("the batch exceeds a JSON limit: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw ProtocolException.badRequest("the batch is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // reading a byte array fails only on its content (see EventCodec.decode)
            throw ProtocolException.badRequest("the batch is not valid JSON: " + e.getMessage());
        }
        return new BatchEvent(items, model, version);
    }

    /** Each item an object of column values; anything else in the array is an item of no columns. */
    private static BatchItems items(JsonParser p) throws IOException {
        BatchItems.Builder items = BatchItems.builder();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            items.startItem();
            if (p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String column = p.currentName();
                    items.put(column, value(p, p.nextToken()));
                }
            } else {
                p.skipChildren();
            }
        }
        return items.build();
    }

    private static Object value(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> {
                p.skipChildren();
                yield BatchScorer.NESTED;
            }
        };
    }
}
