//! The scenario language: lexer, parser, runner and presets. (Filled in by the scenario issue.)
