package io.pistil.arbiter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.pistil.contract.RunFiles;

/**
 * Unpacks a Spring Boot executable jar into a plain class path. Children started from the
 * nested jars through Spring Boot's launcher boot about twice as slowly as from plain
 * files, and an arbiter starts many children: one unpacking at start-up pays for itself
 * at once.
 */
final class ExecutableJar {

	private static final String CLASSES = "BOOT-INF/classes/";

	private static final String LIB = "BOOT-INF/lib/";

	private static final String CLASSPATH_INDEX = "BOOT-INF/classpath.idx";

	private ExecutableJar() {
	}

	/**
	 * Unpacks the application's classes and libraries.
	 * @param jar the executable jar
	 * @param directory where to unpack it
	 * @return the class path of the unpacked application, in the jar's class path order
	 */
	static String unpack(Path jar, Path directory) {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			Path classes = directory.resolve("classes");
			Files.createDirectories(classes);
			List<String> libraries = new ArrayList<>();
			Enumeration<? extends ZipEntry> entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				String name = entry.getName();
				if (entry.isDirectory() || name.contains("..")) {
					continue;
				}
				if (name.startsWith(CLASSES)) {
					copy(zip, entry, classes.resolve(name.substring(CLASSES.length())));
				}
				else if (name.startsWith(LIB) && name.endsWith(".jar")) {
					copy(zip, entry, directory.resolve(name));
					libraries.add(name);
				}
			}
			List<String> classPath = new ArrayList<>();
			classPath.add(classes.toString());
			for (String library : ordered(zip, libraries)) {
				classPath.add(directory.resolve(library).toString());
			}
			return String.join(java.io.File.pathSeparator, classPath);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot unpack " + jar + " for the workers: " + RunFiles.reason(ex), ex);
		}
	}

	/** The order of BOOT-INF/classpath.idx, where the jar has one. */
	private static List<String> ordered(ZipFile zip, List<String> libraries) throws IOException {
		ZipEntry index = zip.getEntry(CLASSPATH_INDEX);
		if (index == null) {
			return libraries;
		}
		List<String> ordered = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(zip.getInputStream(index), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				// Lines read: - "BOOT-INF/lib/name.jar"
				String library = line.replaceFirst("^- \"", "").replaceFirst("\"$", "");
				if (libraries.contains(library)) {
					ordered.add(library);
				}
			}
		}
		libraries.stream().filter((library) -> !ordered.contains(library)).forEach(ordered::add);
		return ordered;
	}

	private static void copy(ZipFile zip, ZipEntry entry, Path target) throws IOException {
		Files.createDirectories(target.getParent());
		try (InputStream in = zip.getInputStream(entry)) {
			Files.copy(in, target);
		}
	}

}
