//! Embeds `templates/` into the binary so a release build is one self-contained file.
fn main() {
    minijinja_embed::embed_templates!("templates");
}
