/**
 * Bodies of the agent endpoints of the consumer ({@code /agent/v1/*}), shared by the consumer and
 * the agent; documented in docs/agent.md. Times are epoch milliseconds.
 */
package io.cta.activities.events;
