package io.pistil.arbiter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.pistil.cache.Digests;
import io.pistil.contract.RunFiles;

/**
 * Unpacks a Spring Boot executable jar into a plain class path of jars. Children started
 * from the nested jars through Spring Boot's launcher boot about twice as slowly as from
 * plain files, and an arbiter starts many children: one unpacking at start-up pays for
 * itself at once. The application's classes go into a jar of their own, keeping their
 * times: the JVM archives classes from jars only, and checks their times.
 */
final class ExecutableJar {

	private static final String CLASSES = "BOOT-INF/classes/";

	private static final String LIB = "BOOT-INF/lib/";

	private static final String CLASSPATH_INDEX = "BOOT-INF/classpath.idx";

	private static final String CLASSES_JAR = "classes.jar";

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
			Files.createDirectories(directory);
			return unpack(zip, directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot unpack " + jar + " for the workers: " + RunFiles.reason(ex), ex);
		}
	}

	/**
	 * Unpacks the application once into a directory named by the jar's content, readable
	 * by every user, unless it is there already: its files keep their paths and times
	 * from one run to the next, as the start-up cache needs. Several arbiters may do this
	 * at once: each unpacks beside it, and the first to rename its copy wins.
	 * @param jar the executable jar
	 * @param parent where the unpacked applications are kept
	 * @return the class path of the unpacked application
	 */
	static String unpackOnce(Path jar, Path parent) {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			Path directory = parent.resolve("app-" + Digests.of(jar).substring(0, 24));
			if (Files.isDirectory(directory)) {
				return classPath(zip, directory, libraries(zip));
			}
			Path unpacking = Files.createTempDirectory(parent, "unpacking-");
			try {
				unpack(zip, unpacking);
				openToEveryone(unpacking);
				Files.move(unpacking, directory, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
				// Another arbiter was first.
			}
			finally {
				RunFiles.deleteTree(unpacking);
			}
			return classPath(zip, directory, libraries(zip));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot unpack " + jar + " for the workers: " + RunFiles.reason(ex), ex);
		}
	}

	private static String unpack(ZipFile zip, Path directory) throws IOException {
		Path classes = directory.resolve(CLASSES_JAR);
		try (JarOutputStream classesJar = new JarOutputStream(Files.newOutputStream(classes))) {
			Enumeration<? extends ZipEntry> entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				String name = entry.getName();
				if (entry.isDirectory() || name.contains("..")) {
					continue;
				}
				if (name.startsWith(CLASSES)) {
					ZipEntry copy = new ZipEntry(name.substring(CLASSES.length()));
					copy.setTime(entry.getTime());
					classesJar.putNextEntry(copy);
					try (InputStream in = zip.getInputStream(entry)) {
						in.transferTo(classesJar);
					}
					classesJar.closeEntry();
				}
				else if (name.startsWith(LIB) && name.endsWith(".jar")) {
					Path target = directory.resolve(name);
					copy(zip, entry, target);
					Files.setLastModifiedTime(target, FileTime.fromMillis(entry.getTime()));
				}
			}
		}
		return classPath(zip, directory, libraries(zip));
	}

	private static List<String> libraries(ZipFile zip) {
		return zip.stream()
			.map(ZipEntry::getName)
			.filter((name) -> name.startsWith(LIB) && name.endsWith(".jar") && !name.contains(".."))
			.toList();
	}

	private static String classPath(ZipFile zip, Path directory, List<String> libraries) throws IOException {
		List<String> classPath = new ArrayList<>();
		classPath.add(directory.resolve(CLASSES_JAR).toString());
		for (String library : ordered(zip, libraries)) {
			classPath.add(directory.resolve(library).toString());
		}
		return String.join(java.io.File.pathSeparator, classPath);
	}

	/**
	 * Files rw-r--r--, directories rwxr-xr-x, whatever the arbiter's umask: pools may run
	 * as other users.
	 */
	private static void openToEveryone(Path tree) throws IOException {
		try (Stream<Path> files = Files.walk(tree)) {
			for (Path file : files.toList()) {
				Files.setPosixFilePermissions(file,
						PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
			}
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
