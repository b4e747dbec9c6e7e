package io.opensandbox.codeinterpreter;

import io.opensandbox.api.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One code context: a stateful interpreter (a Jupyter kernel behind execd) whose variables, imports and working
 * directory persist from one run to the next. Immutable; returned by {@link CodeInterpreter#createContext}, or made
 * with {@link #of(String, String)} for a context whose id is known from elsewhere.
 */
public final class CodeContext {
    private final String id;
    private final String language;
    private final @Nullable String cwd;

    private CodeContext(String id, String language, @Nullable String cwd) {
        this.id = id;
        this.language = language;
        this.cwd = cwd;
    }

    /**
     * A context known by its id.
     *
     * @param id the context id
     * @param language its language, for example {@link SupportedLanguage#PYTHON}
     * @return the context
     * @throws InvalidArgumentException if either is blank
     */
    public static CodeContext of(String id, String language) {
        return of(id, language, null);
    }

    /**
     * A context with its working directory (as the server reported it when it was created).
     *
     * @param id the context id
     * @param language its language
     * @param cwd the working directory, or {@code null} when not known
     * @return the context
     * @throws InvalidArgumentException if the id or the language is blank
     */
    public static CodeContext of(String id, String language, @Nullable String cwd) {
        return new CodeContext(
                Checks.notBlank(id, "context id"),
                Checks.notBlank(language, "context language"),
                cwd == null || cwd.isEmpty() ? null : cwd);
    }

    /**
     * The context id: the Jupyter session id; also the id to interrupt it with.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The language, as the server named it.
     *
     * @return the language
     */
    public String language() {
        return language;
    }

    /**
     * The working directory the context was created in. execd reports it only in the answer to the create call;
     * contexts read with {@link CodeInterpreter#getContext} or {@link CodeInterpreter#listContexts()} have none.
     *
     * @return the directory, if known
     */
    public Optional<String> cwd() {
        return Optional.ofNullable(cwd);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodeContext other
                && id.equals(other.id)
                && language.equals(other.language)
                && Objects.equals(cwd, other.cwd);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, language, cwd);
    }

    @Override
    public String toString() {
        return "CodeContext{id=" + id + ", language=" + language + (cwd == null ? "" : ", cwd=" + cwd) + "}";
    }
}
