package io.pistil.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and strings, in hex. */
public final class Digests {

	private Digests() {
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JVM has SHA-256", ex);
		}
	}

	public static String of(String text) {
		return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	public static String of(Path file) throws IOException {
		MessageDigest digest = sha256();
		byte[] buffer = new byte[1 << 16];
		try (InputStream in = Files.newInputStream(file)) {
			int read;
			while ((read = in.read(buffer)) > 0) {
				digest.update(buffer, 0, read);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * What tells a jar from another: its path, size, time and content (a JVM that checks
	 * only size and time runs stale classes from a jar replaced in place).
	 */
	static String ofJar(Path jar) throws IOException {
		return jar + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis() + "|" + of(jar);
	}

}
