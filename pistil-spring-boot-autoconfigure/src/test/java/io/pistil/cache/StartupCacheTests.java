package io.pistil.cache;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/** What the cache decides without a JVM: versions, kinds, manifests, directories. */
class StartupCacheTests {

	@TempDir
	Path directory;

	@Test
	void readsTheFeatureVersionOfEachVersionScheme() {
		assertThat(JavaRuntime.featureVersion("17.0.15+6-Debian-1deb12u1")).isEqualTo(17);
		assertThat(JavaRuntime.featureVersion("25.0.3+9-LTS")).isEqualTo(25);
		assertThat(JavaRuntime.featureVersion("1.8.0_392")).isEqualTo(8);
	}

	@Test
	void jdk25AndLaterGetTheAotCacheJdk13To24AppCdsOlderNone() {
		assertThat(ArchiveKind.of(26)).isEqualTo(ArchiveKind.AOT_CACHE);
		assertThat(ArchiveKind.of(25)).isEqualTo(ArchiveKind.AOT_CACHE);
		assertThat(ArchiveKind.of(17)).isEqualTo(ArchiveKind.APP_CDS);
		assertThat(ArchiveKind.of(11)).isNull();
	}

	@Test
	void describesTheJvmOfAJavaHomeFromItsReleaseFile() throws IOException {
		Path home = Files.createDirectories(this.directory.resolve("jdk/bin")).getParent();
		Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n"
				+ "JAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\n");
		JavaRuntime runtime = JavaRuntime.of(home.resolve("bin/java"));
		assertThat(runtime.featureVersion()).isEqualTo(25);
		assertThat(runtime.description()).isEqualTo("Eclipse Adoptium 25.0.3+9-LTS");
		Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.4\"\n");
		assertThat(JavaRuntime.of(home.resolve("bin/java")).identity()).isNotEqualTo(runtime.identity());
	}

	@Test
	void anArchiveIsUsedOnlyWhileItMatchesItsManifest() throws IOException {
		Archive archive = new Archive(this.directory, "jsa-key", ArchiveKind.APP_CDS);
		Path made = Files.write(this.directory.resolve("made.jsa"), new byte[4096]);
		archive.publish(made, "a test");
		assertThat(archive.state()).isEqualTo(ArchiveState.READY);
		assertThat(new Archive(this.directory, "jsa-key", ArchiveKind.APP_CDS).verify()).isTrue();

		try (RandomAccessFile file = new RandomAccessFile(archive.file().toFile(), "rw")) {
			file.seek(100);
			file.write(1);
		}
		assertThat(new Archive(this.directory, "jsa-key", ArchiveKind.APP_CDS).verify()).as("a changed byte").isFalse();
		try (RandomAccessFile file = new RandomAccessFile(archive.file().toFile(), "rw")) {
			file.setLength(1000);
		}
		assertThat(new Archive(this.directory, "jsa-key", ArchiveKind.APP_CDS).verify()).as("truncated").isFalse();
		assertThat(archive.unchangedOnDisk()).isFalse();

		archive.discard();
		assertThat(archive.file()).doesNotExist();
		assertThat(archive.state()).isEqualTo(ArchiveState.DISCARDED);
	}

	@Test
	void noCacheForAClassPathWithADirectory() throws IOException {
		Path classes = Files.createDirectory(this.directory.resolve("classes"));
		Path home = Files.createDirectories(this.directory.resolve("jdk/bin")).getParent();
		Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
		assertThat(StartupCache.open(this.directory.resolve("cache"), JavaRuntime.of(home.resolve("bin/java")),
				classes.toString()))
			.isEmpty();
	}

	@Test
	void refusesADirectoryOthersMayWrite() throws IOException {
		Path shared = Files.createDirectory(this.directory.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatIOException().isThrownBy(() -> StartupCache.prepareDirectory(shared))
			.withMessageContaining("others may write it");
		Path made = this.directory.resolve("made/cache");
		StartupCache.prepareDirectory(made);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rwxr-xr-x");
	}

}
