package dev.skiff.deployer.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns as wide as their widest cell, numbers right-aligned. */
public final class TextTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    public TextTable row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) row.add(cell == null ? "-" : cell.toString());
        rows.add(row);
        return this;
    }

    public void print(PrintWriter out, String indent) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = headers.get(i).length();
        for (List<String> row : rows)
            for (int i = 0; i < widths.length; i++)
                widths[i] = Math.max(widths[i], row.get(i).length());
        out.println(indent + line(headers, widths).stripTrailing());
        for (List<String> row : rows) out.println(indent + line(row, widths).stripTrailing());
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            boolean number = !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.charAt(0) == '$') && i > 0;
            String padded = number
                    ? " ".repeat(widths[i] - cell.length()) + cell
                    : cell + " ".repeat(widths[i] - cell.length());
            line.append(padded).append(i + 1 < widths.length ? "  " : "");
        }
        return line.toString();
    }
}
