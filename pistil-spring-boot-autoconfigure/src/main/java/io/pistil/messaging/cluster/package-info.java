/**
 * Queues and topics between nodes, carried by RabbitMQ through Spring AMQP.
 */
@NullMarked
package io.pistil.messaging.cluster;

import org.jspecify.annotations.NullMarked;
