package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModuleDescriptorTest {

    @Test
    void moduleExportsOnlyThePublicApiAndRequiresNothingButTheJdk() throws IOException, URISyntaxException {
        ModuleDescriptor descriptor;
        // The tests run on the class path, where module-info.class is just a file beside the
        // library's classes (a jar or target/classes).
        Path library = Path.of(WeftRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.isDirectory(library)
                ? Files.newInputStream(library.resolve("module-info.class"))
                : URI.create("jar:" + library.toUri() + "!/module-info.class").toURL().openStream()) {
            descriptor = ModuleDescriptor.read(in);
        }

        assertThat(descriptor.name()).isEqualTo("dev.weft");
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("dev.weft");
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name)
                .as("modules of the JDK itself (java.*, and jdk.jfr for the JFR events)")
                .allMatch(name -> name.startsWith("java.") || name.equals("jdk.jfr"));
    }
}
