package io.pistil.cache;

import java.nio.file.Path;
import java.util.List;

/** The kind of class archive a JVM can make from a training run and map at start. */
enum ArchiveKind {

	/**
	 * A dynamic application class-data archive (JDK 13 and later), written when the
	 * training JVM exits. Its default {@code -Xshare:auto} ignores an archive that does
	 * not match, with a warning.
	 */
	APP_CDS("jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xshare:on"),

	/**
	 * An ahead-of-time cache (JDK 25 and later, JEP 483 and 514): classes loaded and
	 * linked, and method profiles. Its default {@code -XX:AOTMode=auto} ignores a cache
	 * that does not match.
	 */
	AOT_CACHE("aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:AOTMode=on");

	private final String extension;

	private final String trainingOption;

	private final String useOption;

	private final String failFastOption;

	ArchiveKind(String extension, String trainingOption, String useOption, String failFastOption) {
		this.extension = extension;
		this.trainingOption = trainingOption;
		this.useOption = useOption;
		this.failFastOption = failFastOption;
	}

	/**
	 * The kind a JVM of this feature version makes, if any.
	 * @param featureVersion the JVM's feature version (17 for 17.0.15)
	 * @return the kind, or null before JDK 13
	 */
	static ArchiveKind of(int featureVersion) {
		if (featureVersion >= 25) {
			return AOT_CACHE;
		}
		return (featureVersion >= 13) ? APP_CDS : null;
	}

	String extension() {
		return this.extension;
	}

	/** The options of a training run that writes the archive to a file. */
	List<String> trainingOptions(Path output) {
		return List.of(this.trainingOption + output);
	}

	/**
	 * The options of a JVM that maps the archive, or goes on without it if it does not
	 * match.
	 */
	List<String> useOptions(Path archive) {
		return List.of(this.useOption + archive);
	}

	/** The options of a JVM that fails at once unless it can map the archive. */
	List<String> validationOptions(Path archive) {
		return List.of(this.useOption + archive, this.failFastOption);
	}

}
