package io.pistil.arbiter;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Unpacks small hand-made Spring Boot executable jars.
 */
class ExecutableJarTests {

	private static final byte[] CLASS_BYTES = { (byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61 };

	@TempDir
	Path directory;

	@Test
	void unpacksClassesAndLibrariesInClassPathIndexOrder() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/", null);
		entries.put("BOOT-INF/classes/", null);
		entries.put("BOOT-INF/classes/a/", null);
		entries.put("BOOT-INF/classes/a/B.class", CLASS_BYTES);
		entries.put("BOOT-INF/classes/application.properties", bytes("greeting=hello"));
		entries.put("BOOT-INF/lib/", null);
		entries.put("BOOT-INF/lib/x.jar", bytes("x jar"));
		entries.put("BOOT-INF/lib/y.jar", bytes("y jar"));
		entries.put("BOOT-INF/classpath.idx", bytes("- \"BOOT-INF/lib/y.jar\"\n- \"BOOT-INF/lib/x.jar\"\n"));
		entries.put("org/springframework/boot/loader/launch/JarLauncher.class", CLASS_BYTES);
		Path jar = jar(entries);
		Path target = this.directory.resolve("app");

		String classPath = ExecutableJar.unpack(jar, target);

		Path classes = target.resolve("classes.jar");
		Path x = target.resolve("BOOT-INF/lib/x.jar");
		Path y = target.resolve("BOOT-INF/lib/y.jar");
		try (ZipFile classesJar = new ZipFile(classes.toFile())) {
			assertThat(classesJar.getInputStream(classesJar.getEntry("a/B.class")).readAllBytes())
				.isEqualTo(CLASS_BYTES);
			assertThat(classesJar.getInputStream(classesJar.getEntry("application.properties")).readAllBytes())
				.isEqualTo(bytes("greeting=hello"));
		}
		assertThat(x).hasContent("x jar");
		assertThat(y).hasContent("y jar");
		assertThat(classPath.split(File.pathSeparator)).containsExactly(classes.toString(), y.toString(), x.toString());
	}

	@Test
	void leavesTheLoaderTheManifestAndTheIndexOut() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/a/B.class", CLASS_BYTES);
		entries.put("BOOT-INF/classpath.idx", bytes(""));
		entries.put("BOOT-INF/layers.idx", bytes("- \"application\":\n"));
		entries.put("org/springframework/boot/loader/launch/JarLauncher.class", CLASS_BYTES);
		Path target = this.directory.resolve("app");

		ExecutableJar.unpack(jar(entries), target);

		try (var files = Files.walk(target)) {
			assertThat(files.filter(Files::isRegularFile).map((file) -> target.relativize(file).toString()))
				.containsExactly("classes.jar");
		}
	}

	@Test
	void keepsTheJarOrderWithoutClassPathIndex() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/a/B.class", CLASS_BYTES);
		entries.put("BOOT-INF/lib/x.jar", bytes("x jar"));
		entries.put("BOOT-INF/lib/y.jar", bytes("y jar"));
		Path target = this.directory.resolve("app");

		String classPath = ExecutableJar.unpack(jar(entries), target);

		assertThat(classPath.split(File.pathSeparator)).containsExactly(target.resolve("classes.jar").toString(),
				target.resolve("BOOT-INF/lib/x.jar").toString(), target.resolve("BOOT-INF/lib/y.jar").toString());
	}

	@Test
	void appendsLibrariesMissingFromTheIndexAfterTheIndexedOnes() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/lib/w.jar", bytes("w jar"));
		entries.put("BOOT-INF/lib/x.jar", bytes("x jar"));
		entries.put("BOOT-INF/lib/y.jar", bytes("y jar"));
		entries.put("BOOT-INF/classpath.idx",
				bytes("- \"BOOT-INF/lib/y.jar\"\n- \"BOOT-INF/lib/gone.jar\"\n" + "- \"BOOT-INF/lib/x.jar\"\n"));
		Path target = this.directory.resolve("app");

		String classPath = ExecutableJar.unpack(jar(entries), target);

		assertThat(classPath.split(File.pathSeparator)).containsExactly(target.resolve("classes.jar").toString(),
				target.resolve("BOOT-INF/lib/y.jar").toString(), target.resolve("BOOT-INF/lib/x.jar").toString(),
				target.resolve("BOOT-INF/lib/w.jar").toString());
		assertThat(target.resolve("BOOT-INF/lib/gone.jar")).doesNotExist();
	}

	@Test
	void skipsEntriesThatClimbOutOfTheTarget() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/../../../escaped.class", CLASS_BYTES);
		entries.put("BOOT-INF/lib/../../escaped.jar", bytes("evil"));
		entries.put("BOOT-INF/classes/a/B.class", CLASS_BYTES);
		Path target = this.directory.resolve("deep/app");

		String classPath = ExecutableJar.unpack(jar(entries), target);

		assertThat(classPath).isEqualTo(target.resolve("classes.jar").toString());
		try (var files = Files.walk(this.directory)) {
			assertThat(files.filter(Files::isRegularFile).map((file) -> file.getFileName().toString()))
				.containsExactlyInAnyOrder("boot.jar", "classes.jar");
		}
	}

	@Test
	void unpacksOnceIntoADirectoryNamedByTheJarsContentKeepingEntryTimes() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/a/B.class", CLASS_BYTES);
		entries.put("BOOT-INF/lib/x.jar", bytes("x jar"));
		Path jar = jar(entries);
		Path cache = Files.createDirectory(this.directory.resolve("cache"));

		String first = ExecutableJar.unpackOnce(jar, cache);
		Path library = Path.of(first.split(File.pathSeparator)[1]);
		long unpackedAt = Files.getLastModifiedTime(library).toMillis();
		String again = ExecutableJar.unpackOnce(jar, cache);
		entries.put("BOOT-INF/lib/x.jar", bytes("x jar, version 2"));
		String changed = ExecutableJar.unpackOnce(jar(entries), cache);

		assertThat(again).isEqualTo(first);
		assertThat(Files.getLastModifiedTime(library).toMillis()).isEqualTo(unpackedAt);
		assertThat(changed).isNotEqualTo(first);
		assertThat(Path.of(changed.split(File.pathSeparator)[1])).hasContent("x jar, version 2");
		try (var directories = Files.list(cache)) {
			assertThat(directories.map((path) -> path.getFileName().toString())).hasSize(2)
				.allMatch((name) -> name.startsWith("app-"));
		}
		assertThat(Files.getPosixFilePermissions(library)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
	}

	@Test
	void unreadableJarIsNamed() throws IOException {
		Path notAJar = Files.writeString(this.directory.resolve("app.jar"), "not a zip", StandardCharsets.UTF_8);
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> ExecutableJar.unpack(notAJar, this.directory.resolve("app")))
			.withMessageStartingWith("Cannot unpack " + notAJar + " for the workers: ");
	}

	private Path jar(Map<String, byte[]> entries) throws IOException {
		Path jar = this.directory.resolve("boot.jar");
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes()
			.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
		manifest.getMainAttributes().putValue("Start-Class", "a.B");
		try (OutputStream file = Files.newOutputStream(jar);
				JarOutputStream out = new JarOutputStream(file, manifest)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				out.putNextEntry(new JarEntry(entry.getKey()));
				if (entry.getValue() != null) {
					out.write(entry.getValue());
				}
				out.closeEntry();
			}
		}
		return jar;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
