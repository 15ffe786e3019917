//! The `example-express` program; the app it serves is the library beside it
//! (`src/lib.rs`), which the tests drive too.

use example_express::{app, parse_options};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = parse_options(
        std::env::args().skip(1),
        std::env::var("CORS_MODE").ok(),
        std::env::var("PORT").ok(),
    )?;
    let app = app(options.variant)?;
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    println!(
        "express example ({:?}) listening on http://{}",
        options.variant,
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // Stop on Ctrl-C; if the handler cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}
