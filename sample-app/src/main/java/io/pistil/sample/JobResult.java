package io.pistil.sample;

/**
 * What a job worker sends back for a job.
 *
 * @param id the job's number
 * @param worker the pid of the worker that did it
 */
public record JobResult(int id, long worker) {

}
