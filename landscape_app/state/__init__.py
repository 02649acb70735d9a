"""Qt-free application state: the session model, scenes, session files."""
