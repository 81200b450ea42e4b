"""Developer tools (screenshots and the like); not part of the app's runtime."""
