package io.roominvites.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test class once per backend from {@link Backends#all()}; a backend that cannot run here
 * (LocalStack without Docker) appears with its tests SKIPPED and the reason.
 *
 * <pre>{@code
 * @ForEachBackend
 * class InviteFlowIT {
 *   @Parameter Backend backend;          // or a constructor InviteFlowIT(Backend backend)
 *
 *   @Test
 *   void sendsTheInvite() {
 *     try (DynamoDbClient ddb = backend.dynamoDbClient()) { ... }
 *     assertThat(backend.sentEmails()) ...
 *   }
 * }
 * }</pre>
 *
 * <p>Each invocation is named {@code [n] emulators} / {@code [n] localstack}.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ParameterizedClass(name = "[{index}] {0}", quoteTextArguments = false)
@MethodSource("io.roominvites.testing.Backends#all")
@ExtendWith(BackendAvailability.class)
public @interface ForEachBackend {}
