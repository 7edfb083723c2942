package io.unshub.namespace.load;

import io.unshub.core.config.ConfigFileReloader;
import io.unshub.namespace.check.CompiledNamespace;
import io.unshub.namespace.model.NamespaceModel;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Loads the namespace model file at start-up, or the built-in model when there is none, and reloads it when it
 * changes (polled, see {@link ConfigFileReloader}). A broken edit keeps the previous model and is reported in
 * {@link #status()}; a deleted file keeps the current model too.
 */
public final class ModelReloader extends ConfigFileReloader<CompiledNamespace, ModelException> {

    /**
     * @param file     the model file ({@code config/namespace.yaml}); need not exist
     * @param onChange receives every newly loaded model, the first one included
     */
    public ModelReloader(Path file, Consumer<CompiledNamespace> onChange) {
        super("namespace model", file, ModelReloader::compile, () -> CompiledNamespace.compile(ModelLoader.builtIn()),
                onChange, ModelReloader::describe);
    }

    private static String describe(CompiledNamespace compiled) {
        NamespaceModel model = compiled.model();
        return "revision " + model.revision() + " ('" + model.name() + "' from " + model.source() + ")";
    }

    /** Loads and compiles; whatever goes wrong is reported against the file. */
    private static CompiledNamespace compile(Path file) throws ModelException {
        NamespaceModel model = ModelLoader.load(file);
        try {
            return CompiledNamespace.compile(model);
        } catch (RuntimeException e) {
            throw new ModelException(file.toString(), 0, "", "the model does not compile: " + e.getMessage());
        }
    }
}
