/* Placeholder: the page helper writes the real script. */
