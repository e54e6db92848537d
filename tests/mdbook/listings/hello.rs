// 这一行在锚点之外，不会被引入
use std::io;

// ANCHOR: main
fn main() {
    println!("你好，世界！");
}
// ANCHOR_END: main

// ANCHOR: other
fn other() {}
// ANCHOR_END: other
