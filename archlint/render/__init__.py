"""Pictures of a design: one render model built from the graph (`model`), and emitters
that turn it into Mermaid, DOT, or PNG/SVG with icons (`diagrams_png`, the only module
that imports the `diagrams` package)."""
