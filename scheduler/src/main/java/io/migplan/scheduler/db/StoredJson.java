package io.migplan.scheduler.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads JSON the scheduler wrote into its own rows (plans, campaign requests and plans). Unlike a
 * request, a stored document may carry a field a later version no longer has: it is ignored, so
 * an upgrade never makes old rows unreadable.
 */
public final class StoredJson {

    private StoredJson() {
    }

    public static <T> T read(ObjectMapper mapper, String json, Class<T> type) throws JsonProcessingException {
        return mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
    }

    public static <T> T read(ObjectMapper mapper, String json, JavaType type) throws JsonProcessingException {
        return mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
    }
}
