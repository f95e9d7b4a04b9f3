package io.cta.vm;

/**
 * How many instances a provider holds and can still make.
 *
 * @param used instances of any installation it holds now
 * @param available how many more it can make now; {@link Integer#MAX_VALUE} when it sets no limit
 */
public record Capacity(int used, int available) {}
