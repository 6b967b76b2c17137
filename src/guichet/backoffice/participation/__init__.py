"""The organisers' participation pages (/agents/participation/)."""
