"""Qt-free writers: tables (CSV/JSON/NPZ) and animations (GIF/MP4/PNG), written atomically."""
