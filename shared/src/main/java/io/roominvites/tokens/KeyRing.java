package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.roominvites.json.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The service's own ES256 (EC P-256) signing keys, identified by {@code kid}. One key is active (signs new
 * tokens); the others are kept only to verify tokens issued before a rotation, until they are retired.
 *
 * <p>Each key also yields a 256-bit HMAC key for the invitation links, which only this service reads: HKDF-SHA256
 * (RFC 5869) of the private scalar, so the secret's format stays one EC JWK per kid and a rotation or retirement
 * moves both together. A MAC costs microseconds where a P-256 verification costs most of a millisecond. The HMAC
 * key is as secret as the private key; it never leaves the ring.
 *
 * <p>Immutable and thread-safe. Signers and verifiers are built once per key, when the key enters a ring, and
 * are shared by the rings derived from it with {@link #rotate} and {@link #retire}.
 *
 * <p>Secret format ({@link #fromJson}/{@link #toJson}):
 * {@code {"activeKid":"k2","keys":[<private EC JWK objects, each with "kid">]}}. Error messages name key ids
 * and positions only, never key material.
 */
public final class KeyRing {

    static final int MAX_KID_LENGTH = 128;

    /** HKDF salt and info of the link-token HMAC key: fixed, so every container derives the same key. */
    private static final byte[] LINK_KEY_SALT = "room-invites/key-ring/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINK_KEY_INFO = "invite-link-token HS256".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CODE_KEY_INFO = "invite-access-code HMAC-SHA256".getBytes(StandardCharsets.US_ASCII);

    /** One key with its signers and verifiers (ES256 for access tokens, HS256 for links), built once. */
    private record Entry(ECKey key, JWSSigner signer, JWSVerifier verifier, JWSSigner linkSigner, JWSVerifier linkVerifier,
                         byte[] codeKey) {
        static Entry of(ECKey key) {
            try {
                byte[] linkKey = linkKey(key);
                // nimbus keeps the array it is given (no copy): each gets its own, and neither may be wiped
                return new Entry(key, new ECDSASigner(key), new ECDSAVerifier(key.toPublicJWK()),
                        new MACSigner(linkKey.clone()), new MACVerifier(linkKey), derive(key, CODE_KEY_INFO));
            } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
                // the message of nimbus's exception is not relied upon: it must not reach our callers
                throw new IllegalArgumentException("key '" + key.getKeyID() + "' is not a usable P-256 signing key");
            }
        }
    }

    /**
     * HKDF-SHA256 (RFC 5869), one output block: Extract(salt, d), then Expand(prk, info, 32), where d is the private
     * scalar as a 32-byte big-endian integer (the JWK's {@code d}, RFC 7518 6.2.2.1).
     */
    static byte[] linkKey(ECKey key) throws GeneralSecurityException, JOSEException {
        return derive(key, LINK_KEY_INFO);
    }

    /** HKDF-SHA256 of the private scalar with the ring's salt and {@code info} (one key per purpose). */
    private static byte[] derive(ECKey key, byte[] info) throws GeneralSecurityException, JOSEException {
        byte[] d = ECKey.encodeCoordinate(256, key.toECPrivateKey().getS()).decode();
        byte[] prk = null;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(LINK_KEY_SALT, "HmacSHA256"));
            prk = mac.doFinal(d);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } finally {
            Arrays.fill(d, (byte) 0);
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
        }
    }

    private final String activeKid;
    private final Map<String, Entry> entries; // insertion order, unmodifiable
    private final String publicJwksJson;

    private KeyRing(String activeKid, LinkedHashMap<String, Entry> entries) {
        if (!entries.containsKey(activeKid)) {
            throw new IllegalArgumentException("activeKid '" + activeKid + "' is not among the keys");
        }
        this.activeKid = activeKid;
        this.entries = Collections.unmodifiableMap(entries);
        this.publicJwksJson = buildPublicJwksJson(entries);
    }

    /** A ring with one freshly generated key, active. */
    public static KeyRing generate(String kid) {
        checkKid(kid);
        LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        entries.put(kid, Entry.of(newKey(kid)));
        return new KeyRing(kid, entries);
    }

    /**
     * Parses the secret format. Throws {@link IllegalArgumentException} with a message naming no key material when
     * the JSON is malformed, {@code activeKid} is missing or not among the keys, or a key is not a private P-256 EC JWK
     * with a {@code kid}.
     */
    public static KeyRing fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("key ring JSON is empty");
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("key ring JSON is not a valid JSON object");
        }
        if (!(root.get("activeKid") instanceof String activeKid) || activeKid.isBlank()) {
            throw new IllegalArgumentException("key ring JSON has no \"activeKid\" string");
        }
        if (!(root.get("keys") instanceof List<?> keys) || keys.isEmpty()) {
            throw new IllegalArgumentException("key ring JSON has no non-empty \"keys\" array");
        }
        LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            ECKey key = parseKey(keys.get(i), i);
            if (entries.containsKey(key.getKeyID())) {
                throw new IllegalArgumentException("keys[" + i + "]: duplicate kid '" + key.getKeyID() + "'");
            }
            entries.put(key.getKeyID(), Entry.of(key));
        }
        if (!entries.containsKey(activeKid)) {
            throw new IllegalArgumentException("activeKid '" + activeKid + "' is not among the keys");
        }
        return new KeyRing(activeKid, entries);
    }

    private static ECKey parseKey(Object element, int i) {
        String where = "keys[" + i + "]";
        if (!(element instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException(where + " is not a JSON object");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            map.put(String.valueOf(e.getKey()), e.getValue());
        }
        JWK jwk;
        try {
            jwk = JWK.parse(map);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException(where + " is not a valid JWK");
        }
        if (!(jwk instanceof ECKey ec)) {
            throw new IllegalArgumentException(where + " is not an EC key (kty must be \"EC\")");
        }
        if (!Curve.P_256.equals(ec.getCurve())) {
            throw new IllegalArgumentException(where + " is not on curve P-256");
        }
        if (!ec.isPrivate()) {
            throw new IllegalArgumentException(where + " has no private part");
        }
        String kid = ec.getKeyID();
        if (kid == null || kid.isBlank() || kid.length() > MAX_KID_LENGTH) {
            throw new IllegalArgumentException(where + " has no valid \"kid\"");
        }
        if (ec.getKeyUse() != null && !KeyUse.SIGNATURE.equals(ec.getKeyUse())) {
            throw new IllegalArgumentException(where + " (kid '" + kid + "') is not a signing key (use must be \"sig\")");
        }
        if (ec.getAlgorithm() != null && !JWSAlgorithm.ES256.equals(ec.getAlgorithm())) {
            throw new IllegalArgumentException(where + " (kid '" + kid + "') is not an ES256 key");
        }
        return ec;
    }

    /** The secret format, with private key material: for Secrets Manager only. */
    public String toJson() {
        List<Object> keys = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            keys.add(e.key().toJSONObject());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("activeKid", activeKid);
        root.put("keys", keys);
        return Json.write(root);
    }

    /**
     * A new ring whose active key is freshly generated under {@code newKid}; every key of this ring is kept for
     * verification only, so tokens issued before the rotation keep verifying until their kid is retired.
     */
    public KeyRing rotate(String newKid) {
        checkKid(newKid);
        if (entries.containsKey(newKid)) {
            throw new IllegalArgumentException("kid '" + newKid + "' is already in the ring");
        }
        LinkedHashMap<String, Entry> next = new LinkedHashMap<>(entries);
        next.put(newKid, Entry.of(newKey(newKid)));
        return new KeyRing(newKid, next);
    }

    /** A new ring without the non-active key {@code kid}: tokens it signed no longer verify. */
    public KeyRing retire(String kid) {
        Objects.requireNonNull(kid, "kid");
        if (kid.equals(activeKid)) {
            throw new IllegalArgumentException("kid '" + kid + "' is the active key and cannot be retired; rotate first");
        }
        if (!entries.containsKey(kid)) {
            throw new IllegalArgumentException("kid '" + kid + "' is not in the ring");
        }
        LinkedHashMap<String, Entry> next = new LinkedHashMap<>(entries);
        next.remove(kid);
        return new KeyRing(activeKid, next);
    }

    public String activeKid() {
        return activeKid;
    }

    public ECKey activeKey() {
        return entries.get(activeKid).key();
    }

    /**
     * The keys access codes are derived with ({@code AccessCodes}), the active key's first: a code made with a key
     * still in the ring keeps working after a rotation, as a link signed with it does.
     */
    public java.util.List<byte[]> codeKeys() {
        java.util.List<byte[]> out = new java.util.ArrayList<>(entries.size());
        out.add(entries.get(activeKid).codeKey().clone());
        entries.forEach((kid, e) -> {
            if (!kid.equals(activeKid)) {
                out.add(e.codeKey().clone());
            }
        });
        return out;
    }

    public Optional<ECKey> key(String kid) {
        Entry e = kid == null ? null : entries.get(kid);
        return e == null ? Optional.empty() : Optional.of(e.key());
    }

    /** {@code {"keys":[...]}} with the public parts only, {@code "use":"sig","alg":"ES256"}; computed once. */
    public String publicJwksJson() {
        return publicJwksJson;
    }

    /** The ES256 signer of the active key (thread-safe, shared). */
    JWSSigner activeSigner() {
        return entries.get(activeKid).signer();
    }

    /** The ES256 verifier for {@code kid}, or null when the ring has no such key. */
    JWSVerifier verifier(String kid) {
        Entry e = kid == null ? null : entries.get(kid);
        return e == null ? null : e.verifier();
    }

    /** The HS256 link signer of the active key (thread-safe, shared). */
    JWSSigner activeLinkSigner() {
        return entries.get(activeKid).linkSigner();
    }

    /** The HS256 link verifier for {@code kid}, or null when the ring has no such key. */
    JWSVerifier linkVerifier(String kid) {
        Entry e = kid == null ? null : entries.get(kid);
        return e == null ? null : e.linkVerifier();
    }

    private static String buildPublicJwksJson(Map<String, Entry> entries) {
        List<Object> keys = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            ECKey pub = new ECKey.Builder(e.key().toPublicJWK())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .build();
            keys.add(pub.toJSONObject());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("keys", keys);
        return Json.write(root);
    }

    private static ECKey newKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate a P-256 key");
        }
    }

    private static void checkKid(String kid) {
        if (kid == null || kid.isBlank() || kid.length() > MAX_KID_LENGTH) {
            throw new IllegalArgumentException("kid must be 1 to " + MAX_KID_LENGTH + " characters, not blank");
        }
    }

    @Override
    public String toString() {
        return "KeyRing[activeKid=" + activeKid + ", kids=" + entries.keySet() + "]";
    }
}
