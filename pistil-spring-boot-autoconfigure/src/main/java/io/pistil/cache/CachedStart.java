package io.pistil.cache;

import java.util.List;

/**
 * How a worker starts from an archive of the cache.
 *
 * @param archive the archive's key, to report a worker that failed with it
 * @param jvmOptions the options that map it, ahead of the class path
 */
public record CachedStart(String archive, List<String> jvmOptions) {

	public CachedStart {
		jvmOptions = List.copyOf(jvmOptions);
	}

}
