package io.cta.server.execution;

import io.cta.server.definition.SuiteDocument;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The suite an execution runs, as it was when the execution was requested. Kept apart from the
 * execution document so that the hot reads and writes of an execution never carry a large suite.
 *
 * @param id the execution's id
 * @param order the dispatch order chosen at compose (indexes into the suite's tests), or null
 */
@Document("suite-snapshots")
public record SuiteSnapshot(@Id String id, SuiteDocument suite, List<Integer> order) {}
