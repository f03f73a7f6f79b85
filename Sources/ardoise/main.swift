import ArgumentParser
@main struct Placeholder: ParsableCommand { func run() {} }
