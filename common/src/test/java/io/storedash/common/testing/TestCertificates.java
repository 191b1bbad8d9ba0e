package io.storedash.common.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a clustered test needs to prove membership (docs/DESIGN.md §11.2): a throw-away CA, member certificates it
 * signs (PEM: certificate, PKCS#8 key, the CA), a CLUSTER_SECRET, and for the attack tests a FOREIGN CA with a member
 * certificate of its own. {@link #shared()} makes one set per test JVM in a temporary directory deleted at exit; the
 * service processes a test starts read the same files through {@link #environment()}.
 */
public final class TestCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static TestCertificates shared;

  private final Path dir;
  private final String secret;
  private final Authority ours;
  private final Authority foreign;
  private final Member member;
  private final Member foreignMember;

  /** A member's PEM files: its certificate, its private key (PKCS#8) and the CA it trusts. */
  public record Member(Path cert, Path key, Path ca) {

    /** EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY and EVENTBUS_TLS_CA naming these files. */
    public Map<String, String> environment() {
      return Map.of("EVENTBUS_TLS_CERT", cert.toString(), "EVENTBUS_TLS_KEY", key.toString(),
        "EVENTBUS_TLS_CA", ca.toString());
    }
  }

  private record Authority(String name, KeyPair keys, X509Certificate cert, Path certFile) {
  }

  private TestCertificates(Path dir) throws IOException, GeneralSecurityException, OperatorCreationException {
    this.dir = dir;
    this.secret = randomSecret();
    this.ours = authority("storedash-test-ca");
    this.foreign = authority("foreign-ca");
    this.member = member(ours, "member");
    this.foreignMember = member(foreign, "foreign-member");
  }

  /** The set every test of this JVM shares (made on first use, deleted when the JVM exits). */
  public static synchronized TestCertificates shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("storedash-test-certs");
        shared = new TestCertificates(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RedisProcess.delete(dir), "test-certs-delete"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException | OperatorCreationException e) {
        throw new IllegalStateException("cannot make test certificates", e);
      }
    }
    return shared;
  }

  /** A random CLUSTER_SECRET of the form {@code openssl rand -hex 32} gives. */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** This set's CLUSTER_SECRET. */
  public String secret() {
    return secret;
  }

  /** A member of the test cluster: certificate signed by the test CA, which it trusts. */
  public Member member() {
    return member;
  }

  /** A member certificate from a CA the cluster does not trust (its own CA is its trust). */
  public Member foreignMember() {
    return foreignMember;
  }

  /** A member certificate of another name, signed by the test CA. */
  public Member member(String name) {
    try {
      return member(ours, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }

  /** CLUSTER_SECRET and the EVENTBUS_TLS_* files of {@link #member()}: what a clustered node needs to start. */
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(member.environment());
    env.put("CLUSTER_SECRET", secret);
    return env;
  }

  /** {@code overrides} on top of {@link #environment()}. */
  public Map<String, String> environment(Map<String, String> overrides) {
    Map<String, String> env = environment();
    env.putAll(overrides);
    return env;
  }

  private Authority authority(String name) throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPair keys = newKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(),
      subject, keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate cert = sign(builder, keys);
    Path file = dir.resolve(name + ".crt");
    Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
    return new Authority(name, keys, cert, file);
  }

  private Member member(Authority ca, String name) throws IOException, GeneralSecurityException,
    OperatorCreationException {
    KeyPair keys = newKeyPair();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.cert(), serial(), notBefore(), notAfter(),
      new X500Name("CN=" + name), keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    // Every member is both: the event bus's server for the messages it receives, its client for those it sends.
    builder.addExtension(Extension.extendedKeyUsage, false,
      new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
      new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    X509Certificate cert = sign(builder, ca.keys());
    Path certFile = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    return new Member(certFile, keyFile, ca.certFile());
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
    throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
      builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(2)));
  }

  /** {@code getEncoded()} of a certificate is DER, of a private key PKCS#8: PEM is their base64 between markers. */
  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
