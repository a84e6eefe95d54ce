package io.roominvites.app;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import io.roominvites.json.Json;
import io.roominvites.tokens.KeyRing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the signing-key secret into a {@link KeyRing}. Two formats are accepted:
 * <ul>
 * <li>a key ring: {@code {"activeKid":"k1","keys":[<private EC JWK>...]}} (what {@link KeyRing#toJson()} writes);</li>
 * <li>seeds, as CloudFormation's GenerateSecretString produces them at deploy time without any key
 * ever leaving Secrets Manager: {@code {"activeKid":"k1","seed_k1":"<random>","seed_k0":"<older>"}}.
 * Each P-256 key is derived from its seed (private scalar = SHA-256(kid, seed) mod n), so rotation is
 * adding a seed and moving activeKid; old links verify until they expire.</li>
 * </ul>
 */
public final class SigningKeys {
    private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger A = P.subtract(BigInteger.valueOf(3));
    private static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    private static final BigInteger GX = new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16);
    private static final BigInteger GY = new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16);

    private SigningKeys() {
    }

    public static KeyRing fromSecret(String secret) {
        Map<String, Object> json;
        try {
            json = Json.parseObject(secret);
        } catch (ParseException e) {
            throw new IllegalArgumentException("The signing-key secret is not a JSON object");
        }
        if (json.containsKey("keys")) {
            return KeyRing.fromJson(secret);
        }
        Object active = json.get("activeKid");
        if (!(active instanceof String activeKid) || activeKid.isBlank()) {
            throw new IllegalArgumentException("The signing-key secret has no activeKid");
        }
        List<Object> keys = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().startsWith("seed_")) {
                if (!(e.getValue() instanceof String seed) || seed.length() < 32) {
                    throw new IllegalArgumentException("Seed " + e.getKey() + " must be a string of at least 32 characters");
                }
                keys.add(derive(e.getKey().substring(5), seed).toJSONObject());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("The signing-key secret has neither keys nor seed_<kid> entries");
        }
        return KeyRing.fromJson(Json.write(Map.of("activeKid", activeKid, "keys", keys)));
    }

    /** The P-256 key of {@code kid} derived from {@code seed}. */
    static ECKey derive(String kid, String seed) {
        BigInteger d;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("room-invites/es256/" + kid + "/" + seed).getBytes(StandardCharsets.UTF_8));
            d = new BigInteger(1, h).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BigInteger[] q = multiply(d);
        return new ECKey.Builder(Curve.P_256, ECKey.encodeCoordinate(256, q[0]), ECKey.encodeCoordinate(256, q[1]))
                .d(ECKey.encodeCoordinate(256, d)).keyID(kid).build();
    }

    /** d·G on P-256 by double-and-add in affine coordinates (runs once per key at cold start). */
    private static BigInteger[] multiply(BigInteger k) {
        BigInteger[] result = null;
        BigInteger[] addend = {GX, GY};
        for (int i = 0; i < k.bitLength(); i++) {
            if (k.testBit(i)) {
                result = add(result, addend);
            }
            addend = add(addend, addend);
        }
        return result;
    }

    private static BigInteger[] add(BigInteger[] p1, BigInteger[] p2) {
        if (p1 == null) {
            return p2;
        }
        BigInteger lambda;
        if (p1[0].equals(p2[0])) {
            if (!p1[1].equals(p2[1]) || p1[1].signum() == 0) {
                return null;
            }
            lambda = p1[0].pow(2).multiply(BigInteger.valueOf(3)).add(A)
                    .multiply(p1[1].shiftLeft(1).modInverse(P)).mod(P);
        } else {
            lambda = p2[1].subtract(p1[1]).multiply(p2[0].subtract(p1[0]).modInverse(P)).mod(P);
        }
        BigInteger x = lambda.pow(2).subtract(p1[0]).subtract(p2[0]).mod(P);
        BigInteger y = lambda.multiply(p1[0].subtract(x)).subtract(p1[1]).mod(P);
        return new BigInteger[]{x, y};
    }
}
