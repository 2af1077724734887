"""One store per module, each on the shared Database."""
