package io.roominvites.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SLF4J 2 provider of every function and the local runner: what the AWS SDK (and any library) logs through
 * SLF4J goes to the project's JSON log ({@link Log}) as one JSON line, with the logger's name. WARN and ERROR are
 * written, INFO and below are not (the SDK's INFO and DEBUG are chatty and say nothing an operator acts on).
 *
 * <p>Without a provider SLF4J printed three plain-text "NOP logger" lines at every cold start into a log group set
 * to JSON, and dropped the SDK's warnings. No reflection, no configuration file: found by the {@code ServiceLoader}.
 */
public final class JsonSlf4jProvider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = new Loggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    private static final class Loggers implements ILoggerFactory {
        private final Map<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, JsonLogger::new);
        }
    }

    /** One SLF4J logger writing WARN and ERROR events as JSON lines. */
    static final class JsonLogger extends AbstractLogger {
        private static final long serialVersionUID = 1L;

        JsonLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("logger", name);
            if (level == Level.ERROR) {
                Log.error(message, fields, throwable);
            } else if (throwable != null) {
                fields.put("errorType", throwable.getClass().getName());
                fields.put("error", String.valueOf(throwable.getMessage()));
                Log.warn(message, fields);
            } else {
                Log.warn(message, fields);
            }
        }
    }
}
