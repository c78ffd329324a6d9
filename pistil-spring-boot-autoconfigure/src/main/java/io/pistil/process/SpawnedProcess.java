package io.pistil.process;

import java.io.InputStream;

/**
 * A child that {@link ProcessControl#spawn} started.
 *
 * @param pid its process id
 * @param output what it writes to its standard output
 * @param errors what it writes to its standard error
 */
public record SpawnedProcess(long pid, InputStream output, InputStream errors) {
}
