//! (skeleton) The error model shared by the API surfaces.
