"""The bundled offline sample news web (`site/`), its server and `homeward demo`."""
