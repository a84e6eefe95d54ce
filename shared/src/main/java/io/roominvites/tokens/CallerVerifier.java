package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies the site identity provider's bearer tokens and maps them to a {@link Caller}.
 *
 * <p>Algorithms are pinned: a token whose {@code alg} is not in the allowed set is refused before any key is looked
 * up ({@code none} never parses as a signed JWT; HMAC algorithms cannot be allowed). Signature checking is nimbus's;
 * the time checks ({@code exp} required, {@code nbf} if present) are made here against the injected clock with a
 * small leeway (60 s by default). A key source that cannot be reached gives {@link ErrorCode#SERVICE_UNAVAILABLE};
 * every other problem gives {@link ErrorCode#UNAUTHENTICATED}. Thread-safe.
 */
public final class CallerVerifier {

    static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(60);
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    static final int HTTP_CONNECT_TIMEOUT_MS = 2000;
    static final int HTTP_READ_TIMEOUT_MS = 2000;
    static final int HTTP_SIZE_LIMIT_BYTES = 256 * 1024;
    static final long CACHE_TTL_MS = Duration.ofMinutes(10).toMillis();
    static final long CACHE_REFRESH_TIMEOUT_MS = 5_000;
    static final long RATE_LIMIT_MIN_INTERVAL_MS = 30_000;

    private static final String BEARER = "Bearer";

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final Duration leeway;

    public CallerVerifier(JWKSource<SecurityContext> jwks, String issuer, String audience,
                          Set<JWSAlgorithm> allowedAlgorithms, Clock clock) {
        this(jwks, issuer, audience, allowedAlgorithms, clock, DEFAULT_LEEWAY);
    }

    /** As the public constructor, with a clock-skew leeway other than the default 60 s. */
    CallerVerifier(JWKSource<SecurityContext> jwks, String issuer, String audience,
                   Set<JWSAlgorithm> allowedAlgorithms, Clock clock, Duration leeway) {
        Objects.requireNonNull(jwks, "jwks");
        this.issuer = Jws.requireText(issuer, "issuer");
        this.audience = Jws.requireText(audience, "audience");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leeway = Objects.requireNonNull(leeway, "leeway");
        if (leeway.isNegative()) {
            throw new IllegalArgumentException("leeway must not be negative");
        }
        Set<JWSAlgorithm> algs = Set.copyOf(Objects.requireNonNull(allowedAlgorithms, "allowedAlgorithms"));
        if (algs.isEmpty()) {
            throw new IllegalArgumentException("allowedAlgorithms must not be empty");
        }
        for (JWSAlgorithm alg : algs) {
            if (!JWSAlgorithm.Family.SIGNATURE.contains(alg)) {
                throw new IllegalArgumentException("algorithm " + alg + " is not an asymmetric signature algorithm");
            }
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algs, jwks));
        // Identity providers differ in "typ" (absent, "JWT", "at+jwt"): issuer, audience and keys bind the token.
        p.setJWSTypeVerifier((type, context) -> { });
        // Time and claim checks are ours, against the injected clock (nimbus's default verifier uses the wall clock).
        p.setJWTClaimsSetVerifier((claims, context) -> { });
        this.processor = p;
    }

    /**
     * A verifier whose keys are fetched from {@code jwksUri} and cached (10 min), with refreshes rate-limited
     * (one per 30 s, e.g. on an unknown kid) and 2 s connect/read timeouts. A fetch failure gives
     * {@link ErrorCode#SERVICE_UNAVAILABLE}.
     */
    public static CallerVerifier remote(URI jwksUri, String issuer, String audience, Set<JWSAlgorithm> algs,
                                        Clock clock) {
        Objects.requireNonNull(jwksUri, "jwksUri");
        JWKSource<SecurityContext> source;
        try {
            DefaultResourceRetriever retriever =
                    new DefaultResourceRetriever(HTTP_CONNECT_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS, HTTP_SIZE_LIMIT_BYTES);
            source = JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(), retriever)
                    .cache(CACHE_TTL_MS, CACHE_REFRESH_TIMEOUT_MS)
                    .refreshAheadCache(false) // no background threads: Lambda freezes them
                    .rateLimited(RATE_LIMIT_MIN_INTERVAL_MS)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUri is not a valid URL");
        }
        return new CallerVerifier(new RateLimitAwareSource(source), issuer, audience, algs, clock);
    }

    /**
     * Verifies an {@code Authorization} header value {@code Bearer <jwt>} (scheme case-insensitive).
     *
     * @throws InviteException {@link ErrorCode#UNAUTHENTICATED} for a missing, malformed or invalid token;
     *                         {@link ErrorCode#SERVICE_UNAVAILABLE} when the keys cannot be fetched
     */
    public Caller verify(String authorizationHeaderValue) {
        String token = bearerToken(authorizationHeaderValue);
        if (!Jws.looksCompact(token, MAX_TOKEN_LENGTH)) {
            throw unauthenticated();
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(SignedJWT.parse(token), null);
        } catch (KeySourceException e) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            throw unauthenticated();
        }
        return toCaller(claims);
    }

    /** Null when the header is null or blank, else {@link #verify(String)}. */
    public Caller verifyOptional(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return verify(header);
    }

    private Caller toCaller(JWTClaimsSet claims) {
        if (!issuer.equals(claims.getIssuer())) {
            throw unauthenticated();
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(audience)) {
            throw unauthenticated();
        }
        Instant now = clock.instant();
        if (Jws.expired(claims.getExpirationTime(), now, leeway)
                || Jws.notYetValid(claims.getNotBeforeTime(), now, leeway)) {
            throw unauthenticated();
        }
        String subject = text(claims.getClaim("sub"));
        if (subject == null) {
            throw unauthenticated();
        }
        String email = text(claims.getClaim("email"));
        if (email != null) {
            email = email.toLowerCase(Locale.ROOT);
        }
        String first = text(claims.getClaim("given_name"));
        String last = text(claims.getClaim("family_name"));
        if (first == null && last == null) {
            String name = text(claims.getClaim("name"));
            if (name != null) {
                int space = name.lastIndexOf(' ');
                if (space < 0) {
                    first = name;
                } else {
                    first = text(name.substring(0, space));
                    last = text(name.substring(space + 1));
                }
            }
        }
        boolean siteAdmin = Boolean.TRUE.equals(claims.getClaim("site_admin"));
        return new Caller(subject, email, first, last, siteAdmin);
    }

    /** The token of a {@code Bearer} header value, or an exception. */
    private static String bearerToken(String header) {
        if (header == null) {
            throw unauthenticated();
        }
        String value = header.strip();
        if (value.length() <= BEARER.length()
                || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || !Character.isWhitespace(value.charAt(BEARER.length()))) {
            throw unauthenticated();
        }
        return value.substring(BEARER.length()).strip();
    }

    /** The trimmed string value of a claim; null when absent, not a string, or blank. */
    private static String text(Object claim) {
        if (!(claim instanceof String s)) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    private static InviteException unauthenticated() {
        return new InviteException(ErrorCode.UNAUTHENTICATED);
    }

    /**
     * Tells "the keys cannot be fetched" from "a kid we do not know" when nimbus's rate limiter refuses a refresh:
     * when the last fetch succeeded, a rate-limited refresh (an unknown kid asking for a refresh) means no matching
     * key (401); when it failed, the provider is still unavailable (503).
     */
    static final class RateLimitAwareSource implements JWKSource<SecurityContext> {
        private final JWKSource<SecurityContext> delegate;
        private volatile boolean lastFetchSucceeded;

        RateLimitAwareSource(JWKSource<SecurityContext> delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
            try {
                List<JWK> keys = delegate.get(selector, context);
                lastFetchSucceeded = true;
                return keys;
            } catch (RateLimitReachedException e) {
                if (lastFetchSucceeded) {
                    return List.of();
                }
                throw e;
            } catch (JWKSetUnavailableException e) {
                lastFetchSucceeded = false;
                throw e;
            }
        }
    }
}
