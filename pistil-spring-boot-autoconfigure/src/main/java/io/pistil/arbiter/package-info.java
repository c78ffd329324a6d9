/**
 * The engine: pools of child JVMs, their supervision, scaling and reloads. No Spring Boot
 * types.
 */
@NullMarked
package io.pistil.arbiter;

import org.jspecify.annotations.NullMarked;
