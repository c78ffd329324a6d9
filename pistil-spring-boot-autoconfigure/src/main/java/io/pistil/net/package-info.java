/**
 * Listening sockets the arbiter binds and hands to its children.
 */
@NullMarked
package io.pistil.net;

import org.jspecify.annotations.NullMarked;
