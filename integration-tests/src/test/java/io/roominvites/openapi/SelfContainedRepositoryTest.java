package io.roominvites.openapi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository stands alone: a clone of it, without anything beside it, has every document it links to. No file
 * refers to a folder outside the repository, and every relative link of every Markdown file resolves to a file or
 * folder inside it.
 */
class SelfContainedRepositoryTest {
    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    /** Build output, installed packages and local data: not part of the repository. */
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".aws-sam", "local-data",
            "outbox", "dist", ".idea", ".vscode");
    private static final Set<String> TEXT = Set.of("md", "java", "yaml", "yml", "json", "sh", "xml", "js", "mjs", "ts",
            "tsx", "html", "css", "toml", "txt", "properties", "interceptors");
    /** A sibling folder of the repository, as the old contract link named it (built here so this file holds none). */
    private static final List<String> OUTSIDE = List.of(".." + "/shared", "/work" + "/shared");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void noFileRefersToAFolderOutsideTheRepository() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : files()) {
            String text = read(file);
            for (String outside : OUTSIDE) {
                if (text != null && text.contains(outside)) {
                    offenders.add(ROOT.relativize(file) + " mentions " + outside);
                }
            }
        }
        assertTrue(offenders.isEmpty(), "the repository must stand alone: " + offenders);
    }

    @Test
    void everyRelativeMarkdownLinkResolvesInsideTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : files()) {
            if (!file.toString().endsWith(".md")) {
                continue;
            }
            String text = read(file);
            Matcher m = MARKDOWN_LINK.matcher(text == null ? "" : text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
                    continue; // http(s):, mailto:, or an anchor on the same page
                }
                String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                Path resolved = file.getParent().resolve(path).normalize();
                checked++;
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(ROOT.relativize(file) + " -> " + target);
                }
            }
        }
        assertTrue(checked > 5, "found only " + checked + " relative links: is " + ROOT + " the repository?");
        assertTrue(broken.isEmpty(), "links that do not resolve inside the repository: " + broken);
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> ROOT.relativize(p).getNameCount() > 0)
                    .filter(p -> {
                        for (Path part : ROOT.relativize(p)) {
                            if (SKIPPED_DIRS.contains(part.toString())) {
                                return false;
                            }
                        }
                        String name = p.getFileName().toString();
                        return TEXT.contains(name.substring(name.lastIndexOf('.') + 1));
                    })
                    .toList();
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException binary) {
            return null;
        }
    }
}
