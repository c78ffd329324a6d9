package io.pistil.sample;

/**
 * A numbered job of the messaging profile.
 *
 * @param id the job's number, from 1
 */
public record Job(int id) {

}
