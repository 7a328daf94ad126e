package dev.weft.contract;

import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Appends the backend to every contract class name in reports, e.g.
 * {@code EchoContractTest [io_uring]}, so a report says which backend the suite proved.
 */
final class BackendDisplayNames extends DisplayNameGenerator.Standard {
    @Override
    public String generateDisplayNameForClass(Class<?> testClass) {
        return super.generateDisplayNameForClass(testClass) + " [" + ExpectedBackend.name() + "]";
    }

    @Override
    public String generateDisplayNameForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
        return super.generateDisplayNameForNestedClass(enclosingInstanceTypes, nestedClass)
                + " [" + ExpectedBackend.name() + "]";
    }
}
