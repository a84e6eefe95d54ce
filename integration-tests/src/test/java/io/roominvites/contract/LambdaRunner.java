package io.roominvites.contract;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A stand-in for the Lambda Java runtime, run in its own JVM by {@link FunctionProcess} with the function's
 * environment. Its classpath holds only this class and aws-lambda-java-serialization (the runtime's own
 * serialization library); the function's shaded jar is loaded in a separate class loader, as the runtime
 * loads /var/task. Like the runtime it: finds the handler class, checks that it implements
 * {@code RequestHandler} and reads its event and response types from the generic interface, creates it
 * (static initialisation = the function's init phase; a failure is an init error), then for each event
 * deserialises the JSON with the serializer the runtime picks for the event type (see {@link #serializer}),
 * calls {@code handleRequest(event, context)} and serialises the response the same way.
 *
 * <p>Protocol: the original stdout carries one line per message ({@code READY|INIT_ERROR|RESULT|ERROR
 * <base64 JSON>}); the function's own stdout goes to stderr, which the test keeps (and scans for tokens).
 * Requests are lines of base64 event bytes on stdin. Only JDK and serialization classes are used here, never
 * the function's (it may have other versions of them).
 *
 * <p>Arguments: function jar, recorder folder (added to the function's class path, see {@link SdkCallRecorder}),
 * handler string ({@code package.Class::method} or {@code package.Class}), function name.
 */
public final class LambdaRunner {
    private LambdaRunner() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path jar = Path.of(args[0]);
        Path recorder = Path.of(args[1]);
        String handler = args[2];
        String functionName = args.length > 3 ? args[3] : "function";
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;

        URLClassLoader customer = new URLClassLoader("customer",
                new URL[]{jar.toUri().toURL(), recorder.toUri().toURL()}, LambdaRunner.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(customer);

        Object instance;
        Method handleRequest;
        Class<?> eventType;
        Class<?> responseType;
        Class<?> contextType;
        Class<?> loggerType;
        try {
            Class<?> requestHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestHandler", false, customer);
            contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, customer);
            loggerType = Class.forName("com.amazonaws.services.lambda.runtime.LambdaLogger", false, customer);
            Class<?> cls = Class.forName(className, false, customer);
            if (!requestHandler.isAssignableFrom(cls)) {
                throw new IllegalStateException("Class " + className + " does not implement " + requestHandler.getName());
            }
            Type[] types = typeArguments(cls, requestHandler);
            // a generic event type (Map<String, Object>) is deserialised as its raw class, as the runtime does
            Type[] raw = new Type[2];
            for (int i = 0; i < 2; i++) {
                raw[i] = types[i] instanceof ParameterizedType p ? p.getRawType() : types[i];
            }
            if (!(raw[0] instanceof Class<?> in) || !(raw[1] instanceof Class<?> out)) {
                throw new IllegalStateException("Cannot tell the event and response types of " + className);
            }
            eventType = in;
            responseType = out;
            if (handler.contains("::")) {
                String method = handler.substring(handler.indexOf("::") + 2);
                if (!method.equals("handleRequest")) {
                    throw new IllegalStateException("Handler method " + method + " is not RequestHandler.handleRequest");
                }
            }
            // static initialisation: App.fromEnvironment(...), i.e. the function's init phase
            System.setProperty("contract.phase", "init");
            Class.forName(className, true, customer);
            instance = cls.getDeclaredConstructor().newInstance();
            handleRequest = requestHandler.getMethod("handleRequest", Object.class, contextType);
        } catch (Throwable t) {
            // as the runtime reports an init error: the throwable itself (an ExceptionInInitializerError stays one,
            // its cause's message unseen), only a constructor's InvocationTargetException unwrapped
            Throwable cause = t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            protocol.println("INIT_ERROR " + b64(json(Map.of(
                    "errorType", cause.getClass().getName(),
                    "errorMessage", String.valueOf(cause.getMessage())))));
            return;
        }
        // SnapStart: publishing a version runs the CRaC beforeCheckpoint hooks after init, and every container
        // restored from the snapshot runs afterRestore before its first request (org.crac binds to
        // io.roominvites.contract.crac here, through -Dorg.crac.Core.Compat, as it binds to the runtime's in Lambda)
        int hooks = 0;
        try {
            System.setProperty("contract.phase", "snapstart");
            Class<?> crac = Class.forName("org.crac.Core", true, customer);
            hooks = io.roominvites.contract.crac.Core.registered();
            crac.getMethod("checkpointRestore").invoke(null);
        } catch (ClassNotFoundException noCrac) {
            // the function does not use CRaC: nothing runs at checkpoint or restore
        } catch (Throwable t) {
            Throwable cause = unwrap(t);
            protocol.println("INIT_ERROR " + b64(json(Map.of(
                    "errorType", cause.getClass().getName(),
                    "errorMessage", "SnapStart checkpoint or restore failed: " + cause.getMessage()))));
            return;
        } finally {
            System.setProperty("contract.phase", "invoke");
        }

        PojoSerializer<Object> in = serializer(eventType, customer);
        PojoSerializer<Object> out = serializer(responseType, customer);
        Map<String, Object> ready = new HashMap<>();
        ready.put("eventType", eventType.getName());
        ready.put("responseType", responseType.getName());
        ready.put("routes", routes(instance));
        ready.put("operations", operations(instance.getClass()));
        ready.put("snapStartHooks", Integer.toString(hooks));
        protocol.println("READY " + b64(json(ready)));

        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = requests.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            byte[] eventBytes = Base64.getDecoder().decode(line.trim());
            try {
                Object event = in.fromJson(new ByteArrayInputStream(eventBytes));
                Object context = context(contextType, loggerType, functionName);
                Object response = handleRequest.invoke(instance, event, context);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                out.toJson(response, body);
                protocol.println("RESULT " + Base64.getEncoder().encodeToString(body.toByteArray()));
            } catch (Throwable t) {
                Throwable cause = unwrap(t);
                protocol.println("ERROR " + b64(json(Map.of(
                        "errorType", cause.getClass().getName(),
                        "errorMessage", String.valueOf(cause.getMessage())))));
            }
        }
    }

    /**
     * The runtime's choice (aws-lambda-java-runtime-interface-client, EventHandlerLoader.getSerializer): the
     * event classes LambdaEventSerializers knows get its mixins, with the customer class loader; every other type,
     * APIGatewayV2HTTPEvent and APIGatewayV2HTTPResponse among them, gets the library's JacksonFactory.
     */
    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Class<?> type, ClassLoader customer) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(type, customer);
        }
        return JacksonFactory.getInstance().getSerializer((Type) type);
    }

    /** The actual type arguments {@code cls} gives to the generic interface {@code target}. */
    static Type[] typeArguments(Class<?> cls, Class<?> target) {
        Map<TypeVariable<?>, Type> bound = new HashMap<>();
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            List<Type> supertypes = new ArrayList<>(List.of(c.getGenericInterfaces()));
            supertypes.add(c.getGenericSuperclass());
            for (Type t : supertypes) {
                if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
                    TypeVariable<?>[] vars = raw.getTypeParameters();
                    Type[] actual = p.getActualTypeArguments();
                    for (int i = 0; i < vars.length; i++) {
                        Type a = actual[i];
                        while (a instanceof TypeVariable<?> v && bound.containsKey(v)) {
                            a = bound.get(v);
                        }
                        bound.put(vars[i], a);
                    }
                    if (raw == target) {
                        Type[] out = new Type[vars.length];
                        for (int i = 0; i < vars.length; i++) {
                            out[i] = bound.get(vars[i]);
                        }
                        return out;
                    }
                }
            }
        }
        throw new IllegalStateException(cls.getName() + " does not implement " + target.getName() + " with type arguments");
    }

    /** The route keys the handler's router serves (LambdaApi's App -> Router#operations -> Operation#routeKey). */
    private static List<String> routes(Object handler) {
        List<String> out = new ArrayList<>();
        try {
            Object app = null;
            for (Class<?> c = handler.getClass(); c != null && app == null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getType().getName().equals("io.roominvites.app.App") && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        app = f.get(handler);
                    }
                }
            }
            if (app == null) {
                return null;
            }
            Object router = app.getClass().getMethod("router").invoke(app);
            Set<?> operations = (Set<?>) router.getClass().getMethod("operations").invoke(router);
            for (Object op : operations) {
                out.add((String) op.getClass().getMethod("routeKey").invoke(op));
            }
            return out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The names in the handler's static OPERATIONS set, or null. */
    private static List<String> operations(Class<?> handler) {
        try {
            Field f = handler.getDeclaredField("OPERATIONS");
            f.setAccessible(true);
            List<String> out = new ArrayList<>();
            for (Object op : (Set<?>) f.get(null)) {
                out.add(((Enum<?>) op).name());
            }
            return out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A Context as the runtime gives one (request id, names, remaining time, a logger to stderr). */
    private static Object context(Class<?> contextType, Class<?> loggerType, String functionName) {
        String requestId = UUID.randomUUID().toString();
        long deadline = System.currentTimeMillis() + 10_000;
        Object logger = Proxy.newProxyInstance(loggerType.getClassLoader(), new Class<?>[]{loggerType}, (p, m, a) -> {
            if (m.getName().equals("log") && a != null && a.length > 0) {
                Object msg = a[0] instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : a[0];
                System.err.println(msg);
                return null;
            }
            return m.isDefault() ? InvocationHandlerSupport.invokeDefault(p, m, a) : null;
        });
        return Proxy.newProxyInstance(contextType.getClassLoader(), new Class<?>[]{contextType}, (p, m, a) -> switch (m.getName()) {
            case "getAwsRequestId" -> requestId;
            case "getLogGroupName" -> "/aws/lambda/" + functionName;
            case "getLogStreamName" -> "contract-test";
            case "getFunctionName" -> functionName;
            case "getFunctionVersion" -> "$LATEST";
            case "getInvokedFunctionArn" -> "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
            case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - System.currentTimeMillis());
            case "getMemoryLimitInMB" -> 1024;
            case "getLogger" -> logger;
            case "toString" -> "Context[" + requestId + "]";
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> null;
        });
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExceptionInInitializerError || c instanceof InvocationTargetException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Minimal JSON for strings, lists, maps and null. */
    static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(json(o));
            }
            return sb.append(']').toString();
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** {@code InvocationHandler.invokeDefault}, kept apart for readability. */
    private static final class InvocationHandlerSupport {
        static Object invokeDefault(Object proxy, Method m, Object[] args) throws Throwable {
            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
        }
    }
}
