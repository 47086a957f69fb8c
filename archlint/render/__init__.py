"""Pictures of a design: one render model built from the graph (`model`, with its
overview and one-group views), and emitters that turn it into Mermaid, DOT, or PNG/SVG
with icons (`diagrams_png`, the only module that imports the `diagrams` package). The
layout engine runs in one place (`engine.layout`: graphviz-pure by default, or a system
Graphviz); PNG is the SVG rasterised with a packaged font (`raster`)."""
