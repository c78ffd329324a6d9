/**
 * Spring Boot auto-configuration: properties, the arbiter's life in the application
 * context, signals and systemd.
 */
@NullMarked
package io.pistil.autoconfigure;

import org.jspecify.annotations.NullMarked;
