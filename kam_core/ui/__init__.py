"""The only part of kam_core that imports streamlit: readers, state, frame, shared widgets."""
