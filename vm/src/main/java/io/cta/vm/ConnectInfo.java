package io.cta.vm;

/**
 * How to reach an instance.
 *
 * @param id the instance id
 * @param hostname its host name
 * @param address its IP address, or null when it has none of its own (the local provider's machines
 *     share the host's)
 */
public record ConnectInfo(String id, String hostname, String address) {}
