package io.migplan.scheduler.auth;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;

/**
 * An OpenID Connect issuer of the tests' own, on a free loopback port: its discovery document and
 * its keys (JWKS), which is all a resource server reads of Keycloak or any other issuer. The
 * private key is written to a file the test signs with ({@code test.oidc.private-key}).
 */
public class TestIssuer implements QuarkusTestResourceLifecycleManager {

    static final String KEY_ID = "test-issuer-1";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path dir = Files.createTempDirectory("migplan-test-issuer");
            Path key = dir.resolve("issuer.pem");
            Files.writeString(key, SigningKeys.pem(pair.getPrivate()));
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/ops";
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            serve("/realms/ops/.well-known/openid-configuration", "{\"issuer\":\"" + url + "\",\"jwks_uri\":\"" + url
                    + "/keys\",\"token_endpoint\":\"" + url + "/token\",\"id_token_signing_alg_values_supported\":"
                    + "[\"RS256\"]}");
            serve("/realms/ops/keys", "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KEY_ID
                    + "\",\"n\":\"" + b64(pub.getModulus()) + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}]}");
            server.start();
            return Map.of("quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", url,
                    "quarkus.oidc.roles.role-claim-path", "realm_access/roles", "test.oidc.private-key", key.toString(),
                    "test.oidc.issuer", url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
