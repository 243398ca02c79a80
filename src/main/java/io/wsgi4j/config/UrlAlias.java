package io.wsgi4j.config;

import java.nio.file.Path;

/**
 * A URL prefix served from a file or a directory ({@code Alias}, {@code --url-alias}).
 *
 * @param url  the URL path, without a trailing slash
 * @param path the absolute file or directory it maps to
 */
public record UrlAlias(String url, Path path) {
}
